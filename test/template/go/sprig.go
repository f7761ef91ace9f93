//go:build sprig

package main

import (
	"text/template"

	sprig "github.com/Masterminds/sprig"
)

func sprigFuncs() template.FuncMap { return sprig.TxtFuncMap() }
