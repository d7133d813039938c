// Package certificate issues a public ACM certificate for one DNS name, validated through
// a record in the environment's hosted zone (EDGE-1, EDGE-2, EDGE-3, EDGE-5).
package certificate

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/acmcertificate"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/acmcertificatevalidation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route53record"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Config is one certificate.
type Config struct {
	// DomainName is the one name the certificate covers. One name per certificate keeps
	// exactly one validation record, known at plan time.
	DomainName string
	ZoneID     *string
	// Provider issues the certificate elsewhere than the stack's region: CloudFront takes
	// certificates from us-east-1 only (RES-2). Nil is the stack's default provider.
	Provider cdktf.TerraformProvider
}

// Output is the certificate once ACM has issued it.
type Output struct {
	// Arn resolves only after validation, so whatever uses it waits for a usable certificate.
	Arn *string
}

// New requests the certificate, writes its validation record and waits for issuance.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.DomainName == "" || cfg.ZoneID == nil {
		return nil, fmt.Errorf("certificate %s: DomainName and ZoneID are required", id)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	cert := acmcertificate.NewAcmCertificate(c, jsii.String("certificate"), &acmcertificate.AcmCertificateConfig{
		DomainName:       jsii.String(cfg.DomainName),
		ValidationMethod: jsii.String("DNS"),
		Provider:         cfg.Provider,
		// A listener or distribution always has a certificate: the replacement exists
		// before the old one goes.
		Lifecycle: &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: jsii.Bool(true)},
	})
	option := cert.DomainValidationOptions().Get(jsii.Number(0))
	record := route53record.NewRoute53Record(c, jsii.String("validation"), &route53record.Route53RecordConfig{
		ZoneId:  cfg.ZoneID,
		Name:    option.ResourceRecordName(),
		Type:    option.ResourceRecordType(),
		Records: &[]*string{option.ResourceRecordValue()},
		Ttl:     jsii.Number(300),
		// A re-issued certificate for the same name reuses the same record.
		AllowOverwrite: jsii.Bool(true),
	})
	validation := acmcertificatevalidation.NewAcmCertificateValidation(c, jsii.String("validated"), &acmcertificatevalidation.AcmCertificateValidationConfig{
		CertificateArn:        cert.Arn(),
		ValidationRecordFqdns: &[]*string{record.Fqdn()},
		Provider:              cfg.Provider,
	})
	return &Output{Arn: validation.CertificateArn()}, nil
}
