// Package org owns the two trees of an organisation — departments (局 → 股/科 → 组) and
// the party organisation (党支部 → 党小组) — their paths, and the import of a whole
// organisation from a CSV file.
package org

import (
	"sort"
	"strings"

	"govchat/internal/store"
)

// Tree indexes departments or party organisations by id for path and descendant
// look-ups. It is built from one List call and is read-only.
type Tree[T any] struct {
	nodes    map[int64]T
	byPath   map[string]int64
	children map[int64][]int64
	parent   func(T) int64
	name     func(T) string
}

func newTree[T any](items []T, id func(T) int64, parent func(T) int64, name func(T) string) Tree[T] {
	t := Tree[T]{nodes: make(map[int64]T, len(items)), byPath: make(map[string]int64, len(items)),
		children: map[int64][]int64{}, parent: parent, name: name}
	for _, n := range items {
		t.nodes[id(n)] = n
		t.children[parent(n)] = append(t.children[parent(n)], id(n))
	}
	for nid := range t.nodes {
		t.byPath[t.Path(nid)] = nid
	}
	return t
}

// DeptTree indexes departments.
func DeptTree(ds []store.Department) Tree[store.Department] {
	return newTree(ds, func(d store.Department) int64 { return d.ID },
		func(d store.Department) int64 { return d.ParentID },
		func(d store.Department) string { return d.Name })
}

// PartyTree indexes party organisations.
func PartyTree(ps []store.PartyOrg) Tree[store.PartyOrg] {
	return newTree(ps, func(p store.PartyOrg) int64 { return p.ID },
		func(p store.PartyOrg) int64 { return p.ParentID },
		func(p store.PartyOrg) string { return p.Name })
}

// Get returns the node with id.
func (t Tree[T]) Get(id int64) (T, bool) {
	n, ok := t.nodes[id]
	return n, ok
}

// Segments is the names from the top down to id.
func (t Tree[T]) Segments(id int64) []string {
	var segs []string
	for depth := 0; id != 0 && depth < 64; depth++ { // depth bound: a corrupt cycle must not hang us
		n, ok := t.nodes[id]
		if !ok {
			break
		}
		segs = append(segs, t.name(n))
		id = t.parent(n)
	}
	for i, j := 0, len(segs)-1; i < j; i, j = i+1, j-1 {
		segs[i], segs[j] = segs[j], segs[i]
	}
	return segs
}

// Path is the names from the top down to id joined by "/", as the CSV import writes it.
func (t Tree[T]) Path(id int64) string {
	return strings.Join(t.Segments(id), "/")
}

// ByPath finds a node by its path.
func (t Tree[T]) ByPath(segs []string) (int64, bool) {
	id, ok := t.byPath[strings.Join(segs, "/")]
	return id, ok
}

// Descendants returns id and every node below it.
func (t Tree[T]) Descendants(id int64) []int64 {
	out := []int64{id}
	for i := 0; i < len(out) && i < len(t.nodes)+1; i++ { // bounded: a corrupt cycle must not loop
		out = append(out, t.children[out[i]]...)
	}
	sort.Slice(out[1:], func(a, b int) bool { return out[1+a] < out[1+b] })
	return out
}
