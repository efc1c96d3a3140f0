"""Read what a team has spent: its usage this month and what remains of its budget.

    TOKENLEDGER_URL=http://localhost:8080 TOKENLEDGER_MASTER_KEY=change-me python3 examples/spend.py TEAM_ID

Prints one JSON object. An unpriced request is never counted as $0: costComplete is then false.
"""
import json
import os
import sys

import tokenledger_admin as tl


def main(team_id: str) -> None:
    config = tl.Configuration(host=os.environ.get("TOKENLEDGER_URL", "http://localhost:8080"),
                              access_token=os.environ["TOKENLEDGER_MASTER_KEY"])
    with tl.ApiClient(config) as client:
        groups = tl.UsageApi(client).get_usage(group_by="team")
        mine = next((g for g in groups if g.group == team_id), None)
        limits = tl.LimitsApi(client).get_limits(scope="team", id=team_id)
        budget = next((u for u in limits.usage if u.limit == "budget"), None)
        try:
            tl.KeysApi(client).get_key(id="00000000-0000-0000-0000-000000000000")
            missing = None
        except tl.ApiException as e:
            missing = {"status": e.status, "type": json.loads(e.body)["error"]["type"]}

        print(json.dumps({
            "teamId": team_id,
            "requests": mine.requests if mine else 0,
            "inputTokens": mine.input_tokens if mine else 0,
            "outputTokens": mine.output_tokens if mine else 0,
            "costUsd": mine.cost_usd if mine else None,
            "costComplete": mine.cost_complete if mine else True,
            "budgetUsed": budget.used if budget else None,
            "budgetRemaining": budget.remaining if budget else None,
            "missingKey": missing,
        }))


if __name__ == "__main__":
    main(sys.argv[1])
