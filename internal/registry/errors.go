package registry

import "github.com/minzheng/minzheng/internal/apperr"

func errForbiddenReveal() error { return apperr.Msg(apperr.Forbidden, "pii.reveal_forbidden") }

func errTooBig() error { return apperr.Msg(apperr.Invalid, "registry.export_too_big", MaxExport) }
