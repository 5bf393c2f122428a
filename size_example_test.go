package alletra_test

import (
	"errors"
	"fmt"

	alletra "github.com/openalletra/go-alletra"
)

func ExampleRoundVolumeSize() {
	// LXD's "1GB" is 10^9 bytes, 953.67 MiB. Truncating would request 953 MiB
	// and the array would allocate 1024 MiB anyway; round up instead.
	for _, size := range []int64{1_000_000_000, 1, 256 * alletra.MiB, 256*alletra.MiB + 1} {
		rounded, err := alletra.RoundVolumeSize(size)
		if err != nil {
			panic(err)
		}
		fmt.Println(size, "->", rounded, rounded/alletra.MiB, "MiB")
	}
	_, err := alletra.RoundVolumeSize(0)
	fmt.Println(errors.Is(err, alletra.ErrInvalidInput))
	// Output:
	// 1000000000 -> 1073741824 1024 MiB
	// 1 -> 268435456 256 MiB
	// 268435456 -> 268435456 256 MiB
	// 268435457 -> 536870912 512 MiB
	// true
}

func ExampleVolumeSizeMiB() {
	sizeMiB, err := alletra.VolumeSizeMiB(10 * alletra.GiB)
	if err != nil {
		panic(err)
	}
	fmt.Println(sizeMiB) // ready for VolumeCreateRequest.SizeMiB
	// Output: 10240
}

func ExampleGrowDeltaMiB() {
	// A volume of 953 MiB (as LXD may have created it) grown to 2 GB.
	target, err := alletra.VolumeSizeMiB(2_000_000_000)
	if err != nil {
		panic(err)
	}
	delta, err := alletra.GrowDeltaMiB(953, target)
	if err != nil {
		panic(err)
	}
	fmt.Println(target, delta)

	_, err = alletra.GrowDeltaMiB(2048, 1024)
	fmt.Println(errors.Is(err, alletra.ErrCannotShrink))
	// Output:
	// 2048 1280
	// true
}
