"""Create an organization, a team with a monthly budget, and a virtual key for the team.

    TOKENLEDGER_URL=http://localhost:8080 TOKENLEDGER_MASTER_KEY=change-me python3 examples/quickstart.py acme

Prints one JSON object: the ids, the key (shown only this once) and the team's budget as the gateway reports it.
"""
import json
import os
import sys

import tokenledger_admin as tl


def main(org_name: str) -> None:
    config = tl.Configuration(host=os.environ.get("TOKENLEDGER_URL", "http://localhost:8080"),
                              access_token=os.environ["TOKENLEDGER_MASTER_KEY"])
    with tl.ApiClient(config) as client:
        tenancy = tl.TenancyApi(client)
        org = tenancy.create_org(tl.CreateOrg(name=org_name))
        team = tenancy.create_team(tl.CreateTeam(name="research", org_id=org.id))

        key = tl.KeysApi(client).create_key(tl.CreateKey(name="notebook", team_id=team.id, models=["gpt-*"]))

        limits = tl.LimitsApi(client).set_limits(
            scope="team", id=team.id,
            limit_spec=tl.LimitSpec(rpm=60, budget=tl.BudgetSpec(amount_usd="5.00", window="month")))
        budget = next(u for u in limits.usage if u.limit == "budget")

        print(json.dumps({
            "orgId": org.id, "teamId": team.id, "keyId": key.id, "key": key.key, "keyPrefix": key.prefix,
            "budget": {"amountUsd": limits.limits.budget.amount_usd, "window": limits.limits.budget.window,
                       "max": budget.max, "used": budget.used, "remaining": budget.remaining},
        }))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "acme")
