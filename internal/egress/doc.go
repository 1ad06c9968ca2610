// Package egress decides where the server may open connections on someone else's
// say: a Web Push endpoint is a URL a browser (or anyone with a login) hands us, and
// the server posts to it. Without a check that URL could point the server at its own
// network (a database, a metadata service, an admin port). The check is made twice:
// when the URL is accepted, reading its host as a browser would (every spelling of an
// address), and when connecting, on every address the name resolved to, so neither a
// spelling nor a DNS answer gets through.
package egress
