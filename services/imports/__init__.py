"""Bulk import and export of the catalog and of patrons (issue 14): MARC21, MARCXML, CSV in; MARC21,
MARCXML, CSV and XLSX out. `marc` and `tabular` read and write the formats, `runner` imports a file a batch
per transaction as the uploader, `export` writes the catalog to a file."""
