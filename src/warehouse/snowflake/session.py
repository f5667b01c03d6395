"""One Snowflake session for ./pdi: statements in, results out, as JSON lines on stdin and stdout.

Node has no Snowflake client that talks to the local stand-in the tests use, and dbt-snowflake already
brings the Python connector into the project's environment: this is the one place that uses it.
Each request is {"sql": "..."}; each answer {"columns": [...], "rows": [[...], ...]} or {"error": "..."}.
The first answer says whether the login worked: {"connected": true} or {"error": "..."}.
"""

import datetime
import decimal
import json
import os
import sys


def connect():
    import snowflake.connector

    settings = {
        "account": os.environ["SNOWFLAKE_ACCOUNT"],
        "user": os.environ["SNOWFLAKE_USER"],
        "database": os.environ.get("SNOWFLAKE_DATABASE"),
        "warehouse": os.environ.get("SNOWFLAKE_WAREHOUSE"),
        "role": os.environ.get("SNOWFLAKE_ROLE") or None,
        "login_timeout": 30,
        "network_timeout": 600,
        "application": "paas-data-ingestion",
    }
    if os.environ.get("SNOWFLAKE_PRIVATE_KEY_PATH"):
        settings["private_key_file"] = os.environ["SNOWFLAKE_PRIVATE_KEY_PATH"]
        if os.environ.get("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"):
            settings["private_key_file_pwd"] = os.environ["SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"]
    else:
        settings["password"] = os.environ.get("SNOWFLAKE_PASSWORD")
    for name in ("host", "port", "protocol"):
        if os.environ.get(f"SNOWFLAKE_{name.upper()}"):
            settings[name] = os.environ[f"SNOWFLAKE_{name.upper()}"]
    return snowflake.connector.connect(**{k: v for k, v in settings.items() if v is not None})


def plain(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def answer(message):
    sys.stdout.write(json.dumps(message, default=plain) + "\n")
    sys.stdout.flush()


def main():
    try:
        connection = connect()
    except Exception as error:  # the connector's errors name what was refused
        answer({"error": " ".join(str(error).split())})
        return 2
    answer({"connected": True})
    cursor = connection.cursor()
    for line in sys.stdin:
        try:
            cursor.execute(json.loads(line)["sql"])
            columns = [column.name for column in cursor.description or []]
            answer({"columns": columns, "rows": cursor.fetchall() if columns else []})
        except Exception as error:
            answer({"error": str(error)})
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
