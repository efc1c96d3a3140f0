// Command quickstart creates an organization, a team with a monthly budget, and a virtual key for the team.
//
//	TOKENLEDGER_URL=http://localhost:8080 TOKENLEDGER_MASTER_KEY=change-me go run ./examples/quickstart acme
//
// It prints one JSON object: the ids, the key (shown only this once) and the team's budget as the gateway reports it.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	tokenledger "tokenledger.dev/sdk/go"
)

func main() {
	orgName := "acme"
	if len(os.Args) > 1 {
		orgName = os.Args[1]
	}
	client, ctx := connect()

	org, _, err := client.TenancyAPI.CreateOrg(ctx).CreateOrg(*tokenledger.NewCreateOrg(orgName)).Execute()
	check(err)
	team, _, err := client.TenancyAPI.CreateTeam(ctx).CreateTeam(*tokenledger.NewCreateTeam("research", org.GetId())).Execute()
	check(err)

	newKey := tokenledger.NewCreateKey("notebook", team.GetId())
	newKey.SetModels([]string{"gpt-*"})
	key, _, err := client.KeysAPI.CreateKey(ctx).CreateKey(*newKey).Execute()
	check(err)

	budget := tokenledger.NewBudgetSpec()
	budget.SetAmountUsd("5.00")
	budget.SetWindow("month")
	spec := tokenledger.NewLimitSpec()
	spec.SetRpm(60)
	spec.SetBudget(*budget)
	limits, _, err := client.LimitsAPI.SetLimits(ctx, "team", team.GetId()).LimitSpec(*spec).Execute()
	check(err)

	var use tokenledger.LimitUse
	for _, u := range limits.Usage {
		if u.Limit == "budget" {
			use = u
		}
	}
	print(map[string]interface{}{
		"orgId": org.GetId(), "teamId": team.GetId(), "keyId": key.GetId(), "key": key.GetKey(),
		"keyPrefix": key.GetPrefix(),
		"budget": map[string]interface{}{
			"amountUsd": limits.Limits.Budget.GetAmountUsd(), "window": limits.Limits.Budget.GetWindow(),
			"max": use.Max, "used": use.Used, "remaining": use.Remaining,
		},
	})
}

// connect answers a client of the gateway at TOKENLEDGER_URL and a context carrying the master key.
func connect() (*tokenledger.APIClient, context.Context) {
	config := tokenledger.NewConfiguration()
	if url := os.Getenv("TOKENLEDGER_URL"); url != "" {
		config.Servers = tokenledger.ServerConfigurations{{URL: url}}
	}
	ctx := context.WithValue(context.Background(), tokenledger.ContextAccessToken, os.Getenv("TOKENLEDGER_MASTER_KEY"))
	return tokenledger.NewAPIClient(config), ctx
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

func print(v interface{}) {
	out, err := json.Marshal(v)
	check(err)
	fmt.Println(string(out))
}
