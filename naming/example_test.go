package naming_test

import (
	"errors"
	"fmt"

	"github.com/openalletra/go-alletra/naming"
)

func ExampleLXD() {
	name, err := naming.LXD(naming.Volume{
		Type:    naming.VirtualMachine,
		Content: naming.Block,
		UUID:    "a5289556-c903-409a-8aa0-4af18a46738d",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(name, len(name))
	// Output: v-a5289556c903409a8aa04af18a46738d-b 36
}

func ExampleCompact() {
	name, err := naming.Compact(naming.Volume{
		Type:     naming.VirtualMachine,
		Content:  naming.Block,
		UUID:     "a5289556-c903-409a-8aa0-4af18a46738d",
		Snapshot: true,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(name, len(name), naming.ValidateName(name, naming.MaxNameLen))
	// Output: sv-pSiVVskDQJqKoErxikZzjQ-b 27 <nil>
}

func ExampleParse() {
	for _, name := range []string{
		"sc-fd87f109767d4f2fae1866c34276f351", // LXD scheme
		"u-pSiVVskDQJqKoErxikZzjQ-i",          // compact scheme
		"lxd-reverter-snapshot",               // not a volume name
	} {
		v, err := naming.Parse(name)
		if errors.Is(err, naming.ErrNotVolumeName) {
			fmt.Println(name, "-> not a volume")
			continue
		}
		fmt.Println(name, "->", v.Type, v.Content, v.UUID, "snapshot:", v.Snapshot)
	}
	// Output:
	// sc-fd87f109767d4f2fae1866c34276f351 -> container filesystem fd87f109-767d-4f2f-ae18-66c34276f351 snapshot: true
	// u-pSiVVskDQJqKoErxikZzjQ-i -> custom iso a5289556-c903-409a-8aa0-4af18a46738d snapshot: false
	// lxd-reverter-snapshot -> not a volume
}

func ExampleHostName() {
	fmt.Println(naming.HostName("node1", "nvme/tcp"))
	fmt.Println(naming.HostName("node1", "iscsi"))
	// Output:
	// node1-nvme-tcp
	// node1-iscsi
}

func ExampleValidateName() {
	fmt.Println(naming.ValidateName("pool1", naming.MaxNameLen))
	err := naming.ValidateName("c-a5289556c903409a8aa04af18a46738d", naming.MaxNameLen)
	fmt.Println(errors.Is(err, naming.ErrNameTooLong))
	// Output:
	// <nil>
	// true
}

func ExampleTemporarySnapshotName() {
	name, err := naming.TemporarySnapshotName("c-5a2504b06a6c48498ee7ddb0b674fd14", naming.PurposeReverter)
	if err != nil {
		panic(err)
	}
	_, perr := naming.Parse(name)
	fmt.Println(name, len(name), errors.Is(perr, naming.ErrNotVolumeName))
	// Output: trv.c-WiUEsGpsSEmO592wtnT9FA 28 true
}

func ExampleParseVolumeType() {
	// A driver holds LXD's strings: its volume type and content type.
	typ, err := naming.ParseVolumeType("virtual-machine")
	if err != nil {
		panic(err)
	}
	content, err := naming.ParseContentType("block")
	if err != nil {
		panic(err)
	}
	name, err := naming.LXD(naming.Volume{Type: typ, Content: content, UUID: "a5289556-c903-409a-8aa0-4af18a46738d"})
	if err != nil {
		panic(err)
	}
	fmt.Println(name)
	_, err = naming.ParseVolumeType("bucket")
	fmt.Println(errors.Is(err, naming.ErrInvalidVolume))
	// Output:
	// v-a5289556c903409a8aa04af18a46738d-b
	// true
}
