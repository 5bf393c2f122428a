package alletratest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/openalletra/go-alletra/alletratest"
)

// Log in and create a volume with nothing but net/http.
func Example() {
	srv := alletratest.NewServer()
	defer srv.Close()
	hc := srv.HTTPClient() // trusts the simulator's self-signed certificate
	defer hc.CloseIdleConnections()

	post := func(path, key string, body any) *http.Response {
		data, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", srv.URL+path, bytes.NewReader(data))
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set(alletratest.SessionHeader, key)
		}
		res, err := hc.Do(req)
		if err != nil {
			panic(err)
		}
		return res
	}

	res := post("/api/v1/credentials", "", map[string]string{"user": srv.Username(), "password": srv.Password()})
	var cred struct{ Key string }
	_ = json.NewDecoder(res.Body).Decode(&cred)
	res.Body.Close()
	fmt.Println("login:", res.StatusCode)

	res = post("/api/v1/volumes", cred.Key, map[string]any{"name": "vol1", "cpg": "SSD_r6", "sizeMiB": 1000, "tpvv": true})
	res.Body.Close()
	fmt.Println("create:", res.StatusCode, res.Header.Get("Location"))

	v, _ := srv.Volume("vol1")
	fmt.Println("size:", v.SizeMiB)
	// Output:
	// login: 201
	// create: 201 /api/v1/volumes/vol1
	// size: 1024
}
