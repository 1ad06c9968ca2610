package store

import "context"

// Narrowed is a Store whose transactions hand their functions V, the part of the
// store a consumer declared it uses, instead of the whole Store. A consumer declares,
// beside itself, what a transaction sees and what it calls outside one:
//
//	type Tx interface { GetUser(…) …; AppendAudit(…) }
//	type Store interface {
//		GetUserByUsername(…) …
//		InTx(ctx context.Context, fn func(tx Tx) error) error
//	}
//
// and is given store.Narrow(db, func(tx store.Store) Tx { return tx }). Every other
// method is the Store's; the consumer holds the Narrowed as its own interface, which
// names no more of them than it calls.
type Narrowed[V any] struct {
	Store
	as func(Store) V
}

// Narrow returns s with InTx callbacks that see V. as converts the transaction-bound
// Store to V: for an interface V it is func(tx store.Store) V { return tx }, which the
// compiler checks (a type constraint cannot say "Store implements V").
func Narrow[V any](s Store, as func(Store) V) Narrowed[V] {
	return Narrowed[V]{Store: s, as: as}
}

// InTx runs fn in one transaction of the underlying Store, with the same commit,
// rollback and nesting (see DB.InTx).
func (n Narrowed[V]) InTx(ctx context.Context, fn func(tx V) error) error {
	return n.Store.InTx(ctx, func(tx Store) error { return fn(n.as(tx)) })
}
