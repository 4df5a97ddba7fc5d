from datetime import UTC, datetime, timedelta, timezone

from chalkline.lib.dbtime import aware_utc


def test_naive_and_text_values_are_read_as_utc_and_aware_ones_are_kept() -> None:
    moment = datetime(2026, 11, 29, 6, 14, 52, 949107, tzinfo=UTC)
    assert aware_utc(moment.replace(tzinfo=None)) == moment
    assert aware_utc("2026-11-29 06:14:52.949107") == moment
    assert aware_utc("2026-11-29 06:14:52.949107").isoformat() == moment.isoformat()
    chicago = moment.astimezone(timezone(timedelta(hours=-6)))
    assert aware_utc(chicago) is chicago
