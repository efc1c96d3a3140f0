module tokenledger.dev/sdk/go

// The Go standard library only, and the Go of Debian 12 (golang-go 1.19)
go 1.19
