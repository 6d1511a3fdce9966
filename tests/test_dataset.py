"""Dataset construction errors and the folder loaders: each message is checked."""

import datetime as dt

import polars as pl
import pytest

import segkit as sk
from segkit.errors import DataError


def test_missing_contact_id_names_table_column_and_found_columns():
    with pytest.raises(DataError) as err:
        sk.Dataset(pl.DataFrame({"id": [1], "email": ["a@b.c"]}))
    msg = str(err.value)
    assert "contacts has no column 'contact_id'" in msg and "['id', 'email']" in msg
    assert err.value.table == "contacts" and err.value.column == "contact_id"


def test_duplicate_ids_name_up_to_five_rows():
    ids = [1, 2, 1, 3, 3, 3, 4, 4, 5, 5, 6, 6]
    with pytest.raises(DataError) as err:
        sk.Dataset(pl.DataFrame({"contact_id": ids}))
    assert err.value.rows == [3, 5, 6, 8, 10]  # 1-based rows of the repeats, first five
    assert str(err.value) == (
        "contacts.contact_id must be unique: 5 duplicated id(s), first at rows "
        "3 (id 1), 5 (id 3), 6 (id 3), 8 (id 4), 10 (id 5)"
    )


def test_null_and_wrongly_typed_ids():
    with pytest.raises(DataError, match=r"must not be null: null at rows 2"):
        sk.Dataset(pl.DataFrame({"contact_id": [1, None]}))
    with pytest.raises(DataError, match=r"integer or string, found Float64"):
        sk.Dataset(pl.DataFrame({"contact_id": [1.0]}))


def test_events_missing_columns_and_types():
    c = pl.DataFrame({"contact_id": [1]})
    with pytest.raises(DataError, match=r"events has no column 'timestamp'") as err:
        sk.Dataset(c, pl.DataFrame({"contact_id": [1], "event": ["x"]}))
    assert err.value.table == "events"
    with pytest.raises(DataError, match=r"events.timestamp must be a datetime, found String "
                       r"\(parse it with"):
        sk.Dataset(c, pl.DataFrame({"contact_id": [1], "event": ["x"], "timestamp": ["2026"]}))
    with pytest.raises(DataError, match=r"events.event must be a string, found Int64"):
        sk.Dataset(c, pl.DataFrame({"contact_id": [1], "event": [1],
                                    "timestamp": [dt.datetime(2026, 1, 1)]}))
    with pytest.raises(DataError, match=r"both must be integers or both strings"):
        sk.Dataset(c, pl.DataFrame({"contact_id": ["1"], "event": ["x"],
                                    "timestamp": [dt.datetime(2026, 1, 1)]}))


def test_lazy_frames_are_accepted_and_checked():
    ds = sk.Dataset(pl.LazyFrame({"contact_id": [1, 2]}))
    assert ds.n_contacts == 2 and isinstance(ds.contacts, pl.DataFrame)
    with pytest.raises(DataError, match="unique"):
        sk.Dataset(pl.LazyFrame({"contact_id": [1, 1]}))


def test_validate_reports_softer_problems():
    c = pl.DataFrame({"contact_id": [1, 2], "empty": [None, None]})
    e = pl.DataFrame({
        "contact_id": [1, 9, 1],
        "event": ["a", "a", None],
        "timestamp": [dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 1), dt.datetime(2030, 1, 1)],
    })
    report = sk.Dataset(c, e).validate(now=dt.datetime(2026, 6, 1))
    text = str(report)
    assert not report.ok
    assert "contacts.empty: every value is null" in text
    assert "1 event(s) belong to no known contact" in text
    assert "1 event(s) are in the future" in text
    assert "1 event(s) have no event type (only \"*\" conditions count them)" in text
    assert report.to_frame().height == 4


# -- loaders --------------------------------------------------------------------------------------


def _write(folder, name, text):
    (folder / name).write_text(text)


def test_read_dataset_csv_types_and_mixed_date_formats(tmp_path):
    _write(tmp_path, "contacts.csv",
           "contact_id,signup,zip,age,tags\n1,2026-01-01,02134,30,\"[\"\"vip\"\"]\"\n"
           "2,01/02/2026,10001,31.5,[]\n")
    _write(tmp_path, "events.ndjson",
           '{"contact_id": 1, "event": "open", "timestamp": "2026-01-01T10:00:00"}\n')
    ds = sk.read_dataset(tmp_path)
    schema = ds.contacts_schema
    assert schema["signup"] == pl.Date and schema["zip"] == pl.String
    assert schema["age"] == pl.Float64 and schema["tags"] == pl.List(pl.String)
    assert ds.contacts["signup"].to_list() == [dt.date(2026, 1, 1), dt.date(2026, 1, 2)]
    assert ds.contacts["zip"].to_list() == ["02134", "10001"]  # leading zeros kept
    assert isinstance(ds.events_schema["timestamp"], pl.Datetime)


def test_bad_date_names_file_row_and_column(tmp_path):
    rows = "".join(f"{i},2026-01-{i:02d}\n" for i in range(1, 20))
    _write(tmp_path, "contacts.csv", "contact_id,signup_date\n" + rows + "20,2026-13-45\n")
    with pytest.raises(DataError) as err:
        sk.read_dataset(tmp_path)
    assert err.value.rows == [20] and err.value.column == "signup_date"
    assert str(err.value).startswith(str(tmp_path / "contacts.csv"))
    assert "row 20: '2026-13-45'" in str(err.value)


def test_bad_event_timestamp_is_an_error_even_when_most_are_bad(tmp_path):
    _write(tmp_path, "contacts.csv", "contact_id\n1\n")
    _write(tmp_path, "events.csv", "contact_id,event,timestamp\n1,open,yesterday\n")
    with pytest.raises(DataError) as err:
        sk.read_dataset(tmp_path)
    assert "events.csv" in str(err.value) and "'timestamp'" in str(err.value)
    assert err.value.rows == [1]


def test_missing_column_and_duplicate_ids_in_files(tmp_path):
    _write(tmp_path, "contacts.csv", "contact_id\n1\n")
    _write(tmp_path, "events.csv", "contact_id,timestamp\n1,2026-01-01T00:00:00\n")
    with pytest.raises(DataError, match=r"events.csv: events has no column 'event'"):
        sk.read_dataset(tmp_path)
    (tmp_path / "events.csv").unlink()
    _write(tmp_path, "contacts.csv", "contact_id,name\n1,a\n2,b\n1,c\n")
    with pytest.raises(DataError, match=r"contacts.csv: .*first at rows 3 \(id 1\)") as err:
        sk.read_dataset(tmp_path)
    assert err.value.rows == [3]


def test_no_contacts_file_and_two_files_for_one_table(tmp_path):
    with pytest.raises(DataError, match="no contacts file"):
        sk.read_dataset(tmp_path)
    _write(tmp_path, "contacts.csv", "contact_id\n1\n")
    pl.DataFrame({"contact_id": [1]}).write_parquet(tmp_path / "contacts.parquet")
    with pytest.raises(DataError, match="more than one file for table 'contacts'"):
        sk.read_dataset(tmp_path)


def test_unreadable_file_is_a_data_error(tmp_path):
    (tmp_path / "contacts.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(DataError, match="contacts.parquet: cannot be read"):
        sk.read_dataset(tmp_path)


def test_write_and_read_back_every_format(tmp_path):
    c = pl.DataFrame({"contact_id": [1, 2], "tags": [["a"], []],
                      "seen": [dt.datetime(2026, 1, 1, 12), None]})
    ds = sk.Dataset(c)
    for fmt in ("parquet", "ndjson", "csv"):
        out = sk.write_dataset(ds, tmp_path / fmt, format=fmt)
        back = sk.read_dataset(out).contacts
        assert back["tags"].to_list() == [["a"], []], fmt
        assert back["contact_id"].to_list() == [1, 2], fmt
