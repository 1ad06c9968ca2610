package secrecy_test

import "encoding/json"

func decodeFrame(b []byte, f any) error { return json.Unmarshal(b, f) }
