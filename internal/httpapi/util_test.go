package httpapi_test

import "strings"

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func repeat(s string, n int) string { return strings.Repeat(s, n) }
