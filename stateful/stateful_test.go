package stateful

import "testing"

// SAFE-1: log groups are stateful only when tagged as audit evidence; the listed types
// always; anything else never.
func TestIs(t *testing.T) {
	for _, c := range []struct {
		typ  string
		tags map[string]string
		want bool
	}{
		{"aws_db_instance", nil, true},
		{"aws_kms_alias", nil, true},
		{LogGroupType, nil, false},
		{LogGroupType, map[string]string{ClassTag: Audit}, true},
		{LogGroupType, map[string]string{ClassTag: "application"}, false},
		{"aws_security_group", map[string]string{ClassTag: Audit}, false},
	} {
		if got := Is(c.typ, c.tags); got != c.want {
			t.Errorf("Is(%s, %v) = %v, want %v", c.typ, c.tags, got, c.want)
		}
	}
	for _, typ := range TypeNames() {
		if Why(typ) == "" {
			t.Errorf("%s: no reason given for why it is stateful", typ)
		}
	}
}
