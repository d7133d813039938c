package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))

	cfg, err := ConfigFromEnv(os.Getenv)
	if err != nil {
		log.Error("startup", "err", err)
		os.Exit(1)
	}
	awsCfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Error("startup: load AWS config", "err", err)
		os.Exit(1)
	}
	api := elasticache.NewFromConfig(awsCfg)

	// The scheduler's payload carries nothing we need, so it is ignored.
	lambda.Start(func(ctx context.Context) (Result, error) {
		res, err := Run(ctx, api, cfg, time.Now())
		if err != nil {
			log.Error("redis snapshot", "replication_group", cfg.ReplicationGroupID, "result", res, "err", err)
			return res, err
		}
		log.Info("redis snapshot", "replication_group", cfg.ReplicationGroupID, "result", res)
		return res, nil
	})
}
