// Package iampolicy builds IAM policy documents as aws_iam_policy_document data sources from
// plain Go values, so policies are typed and reviewable, never concatenated strings (SEC-2).
package iampolicy

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsiampolicydocument"
)

// Statement is one policy statement. Effect defaults to Allow.
type Statement struct {
	Sid        string
	Effect     string
	Principals []Principal
	Actions    []string
	Resources  []*string
	// NotResources, for a Deny, is everything but these.
	NotResources []*string
	Conditions   []Condition
}

// Principal is a principal block: Type is "AWS", "Service" or "Federated".
type Principal struct {
	Type        string
	Identifiers []*string
}

// Condition is one condition block, for example {"ArnLike", "aws:SourceArn", [arn]}.
type Condition struct {
	Test     string
	Variable string
	Values   []*string
}

// Document creates the data source and returns its rendered JSON (a token).
func Document(scope constructs.Construct, id string, statements ...Statement) *string {
	return NewDoc(scope, id, statements...).JSON()
}

// Doc is a policy document that can still grow: a resource policy whose later
// statements name resources built after it (e.g. the assets bucket's statement for the
// CloudFront distribution that reads it).
type Doc struct {
	source     dataawsiampolicydocument.DataAwsIamPolicyDocument
	statements []Statement
}

// NewDoc creates the data source with its first statements.
func NewDoc(scope constructs.Construct, id string, statements ...Statement) *Doc {
	source := dataawsiampolicydocument.NewDataAwsIamPolicyDocument(scope, jsii.String(id),
		&dataawsiampolicydocument.DataAwsIamPolicyDocumentConfig{Statement: toBindings(statements)})
	return &Doc{source: source, statements: statements}
}

// Add appends statements to the document.
func (d *Doc) Add(statements ...Statement) {
	d.statements = append(d.statements, statements...)
	d.source.PutStatement(toBindings(d.statements))
}

// JSON is the rendered document (a token).
func (d *Doc) JSON() *string { return d.source.Json() }

func toBindings(statements []Statement) *[]*dataawsiampolicydocument.DataAwsIamPolicyDocumentStatement {
	out := make([]*dataawsiampolicydocument.DataAwsIamPolicyDocumentStatement, 0, len(statements))
	for _, s := range statements {
		effect := s.Effect
		if effect == "" {
			effect = "Allow"
		}
		b := &dataawsiampolicydocument.DataAwsIamPolicyDocumentStatement{
			Effect:  jsii.String(effect),
			Actions: jsii.Strings(s.Actions...),
		}
		if s.Sid != "" {
			b.Sid = jsii.String(s.Sid)
		}
		if len(s.Resources) > 0 {
			b.Resources = &s.Resources
		}
		if len(s.NotResources) > 0 {
			b.NotResources = &s.NotResources
		}
		var principals []*dataawsiampolicydocument.DataAwsIamPolicyDocumentStatementPrincipals
		for _, p := range s.Principals {
			ids := p.Identifiers
			principals = append(principals, &dataawsiampolicydocument.DataAwsIamPolicyDocumentStatementPrincipals{
				Type: jsii.String(p.Type), Identifiers: &ids,
			})
		}
		if len(principals) > 0 {
			b.Principals = &principals
		}
		var conditions []*dataawsiampolicydocument.DataAwsIamPolicyDocumentStatementCondition
		for _, c := range s.Conditions {
			values := c.Values
			conditions = append(conditions, &dataawsiampolicydocument.DataAwsIamPolicyDocumentStatementCondition{
				Test: jsii.String(c.Test), Variable: jsii.String(c.Variable), Values: &values,
			})
		}
		if len(conditions) > 0 {
			b.Condition = &conditions
		}
		out = append(out, b)
	}
	return &out
}

// DenyInsecureTransport refuses the actions on the resources to every request made
// without TLS (RES-3), whoever makes it: the statement resource policies of buckets,
// queues and file systems share. {"AWS": "*"} is everyone, like "*".
func DenyInsecureTransport(actions []string, resources ...*string) Statement {
	return Statement{
		Sid:        "DenyInsecureTransport",
		Effect:     "Deny",
		Principals: []Principal{{Type: "AWS", Identifiers: []*string{jsii.String("*")}}},
		Actions:    actions,
		Resources:  resources,
		Conditions: []Condition{{Test: "Bool", Variable: "aws:SecureTransport", Values: []*string{jsii.String("false")}}},
	}
}
