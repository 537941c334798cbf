#!/usr/bin/python3
# tests/lake/avro_dump.py FILE.avro: reads an Avro object container with Debian's python3-avro
# (an independent reader) and prints JSON: {"meta": {...}, "records": [...], "ids": {...}}
# where ids maps each field path ("data_file.file_path") to its Iceberg field-id, and each
# array path ("...[]") to its element-id, as found in the writer schema (int-keyed maps,
# written as arrays of key/value records, have ids on the key and value fields instead).
import json
import sys
import warnings

import avro.datafile
import avro.io

warnings.simplefilter("ignore")  # "logicalType": "map" on arrays is Iceberg's, not Avro's


def ids_of(schema, prefix, out):
    if isinstance(schema, list):
        for branch in schema:
            ids_of(branch, prefix, out)
    elif isinstance(schema, dict):
        if schema.get("type") == "record":
            for f in schema["fields"]:
                path = prefix + f["name"]
                out[path] = f.get("field-id")
                ids_of(f["type"], path + ".", out)
        elif schema.get("type") == "array":
            if schema.get("logicalType") != "map":  # map arrays: key/value carry the ids
                out[prefix.rstrip(".") + "[]"] = schema.get("element-id")
            ids_of(schema["items"], prefix, out)


def plain(v):
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


with open(sys.argv[1], "rb") as fh:
    reader = avro.datafile.DataFileReader(fh, avro.io.DatumReader())
    meta = {k: v.decode() for k, v in reader.meta.items()}
    records = [plain(r) for r in reader]
ids = {}
ids_of(json.loads(meta["avro.schema"]), "", ids)
json.dump({"meta": meta, "records": records, "ids": ids}, sys.stdout)
