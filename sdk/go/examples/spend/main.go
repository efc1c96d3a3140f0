// Command spend reads what a team has spent: its usage and what remains of its budget.
//
//	TOKENLEDGER_URL=http://localhost:8080 TOKENLEDGER_MASTER_KEY=change-me go run ./examples/spend TEAM_ID
//
// It prints one JSON object. An unpriced request is never counted as $0: costComplete is then false.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	tokenledger "tokenledger.dev/sdk/go"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: spend TEAM_ID")
		os.Exit(2)
	}
	teamID := os.Args[1]
	config := tokenledger.NewConfiguration()
	if url := os.Getenv("TOKENLEDGER_URL"); url != "" {
		config.Servers = tokenledger.ServerConfigurations{{URL: url}}
	}
	ctx := context.WithValue(context.Background(), tokenledger.ContextAccessToken, os.Getenv("TOKENLEDGER_MASTER_KEY"))
	client := tokenledger.NewAPIClient(config)

	groups, _, err := client.UsageAPI.GetUsage(ctx).GroupBy("team").Execute()
	check(err)
	out := map[string]interface{}{"teamId": teamID, "requests": 0, "inputTokens": 0, "outputTokens": 0,
		"costUsd": nil, "costComplete": true}
	for _, g := range groups {
		if g.GetGroup() == teamID {
			out["requests"] = g.GetRequests()
			out["inputTokens"] = g.GetInputTokens()
			out["outputTokens"] = g.GetOutputTokens()
			out["costUsd"] = g.CostUsd
			out["costComplete"] = g.GetCostComplete()
		}
	}
	limits, _, err := client.LimitsAPI.GetLimits(ctx, "team", teamID).Execute()
	check(err)
	for _, u := range limits.Usage {
		if u.Limit == "budget" {
			out["budgetUsed"] = u.Used
			out["budgetRemaining"] = u.Remaining
		}
	}

	// Errors come in one shape, decoded into the Error model
	_, resp, err := client.KeysAPI.GetKey(ctx, "00000000-0000-0000-0000-000000000000").Execute()
	if apiErr, ok := err.(*tokenledger.GenericOpenAPIError); ok {
		if e, ok := apiErr.Model().(tokenledger.Error); ok {
			out["missingKey"] = map[string]interface{}{"status": resp.StatusCode, "type": e.Error.Type}
		}
	}

	encoded, err := json.Marshal(out)
	check(err)
	fmt.Println(string(encoded))
}

func check(err error) {
	if err != nil {
		if apiErr, ok := err.(*tokenledger.GenericOpenAPIError); ok {
			fmt.Fprintf(os.Stderr, "%v: %s\n", err, apiErr.Body())
		} else {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(1)
	}
}
