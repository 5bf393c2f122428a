module github.com/openalletra/go-alletra

go 1.26

require (
	github.com/google/go-querystring v1.0.0
	github.com/hashicorp/go-retryablehttp v0.7.7
	github.com/jarcoal/httpmock v1.0.5
	github.com/stretchr/testify v1.10.0
	go.uber.org/goleak v1.1.10
)

require (
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	golang.org/x/lint v0.0.0-20190930215403-16217165b5de // indirect
	golang.org/x/tools v0.0.0-20191108193012-7d206e10da11 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
