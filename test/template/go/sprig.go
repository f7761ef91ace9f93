package main

import (
	"text/template"

	sprig "github.com/Masterminds/sprig/v3"
)

// sprigFuncs is sprig v3's TxtFuncMap, the version Istio builds its injector with.
func sprigFuncs() template.FuncMap { return sprig.TxtFuncMap() }
