//go:build !sprig

package main

import "text/template"

func sprigFuncs() template.FuncMap { return nil }
