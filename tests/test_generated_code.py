"""Code generated from the reference data is current: lib_err's raise branches (plsql/lib_err.pkb, from the
error catalog's data file) and the API's enums (api/vocabulary.py, from the vocabulary's data file)."""
from __future__ import annotations

import re
import typing

from database.tooling import data_rows, lib_err_gen, vocabulary


def test_lib_err_is_what_the_error_catalog_makes():
    assert lib_err_gen.main(["--check"]) == 0, "run scripts/ils lib-err"


def test_lib_err_has_one_raise_branch_per_catalog_error():
    body = lib_err_gen.OUTPUT.read_text()
    branches = [int(c) for c in re.findall(r"WHEN (-20\d{3}) THEN RAISE_APPLICATION_ERROR\(\1,", body)]
    catalog = [r["error_code"] for r in data_rows.rows("app_errors", lib_err_gen.DATA_FILE)]
    assert sorted(branches) == sorted(catalog) and len(set(branches)) == len(branches)


def test_a_new_catalog_error_gets_its_branch(tmp_path, monkeypatch):
    data = tmp_path / "091_app_errors_data.sql"
    data.write_text(lib_err_gen.DATA_FILE.read_text() + "INSERT INTO app_errors (error_code, name, http_status, "
                    "message) VALUES (-20969, 'A_NEW_ONE', 409, 'It''s new.');\n")
    monkeypatch.setattr(lib_err_gen, "DATA_FILE", data)
    assert "WHEN -20969 THEN RAISE_APPLICATION_ERROR(-20969, l_message);" in lib_err_gen.render()


def test_the_api_enums_are_what_the_vocabulary_makes():
    assert vocabulary.main(["--check"]) == 0, "run scripts/ils vocabulary"


def test_the_api_models_use_the_generated_enums():
    from api import vocabulary as v
    from api.models import fines, materials, patrons
    from api.routers import catalog, holds
    assert materials.MaterialType is v.MaterialType and patrons.Category is v.PatronCategory
    assert holds.HoldStatus is v.HoldStatus and catalog.MaterialType is v.MaterialTypeAnyCase
    assert fines.PayIn.model_fields["method"].annotation is v.TenderMethod
    assert typing.get_args(v.TenderMethod) == ("CASH", "CARD", "CHECK", "ONLINE")
