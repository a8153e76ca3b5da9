"""`junit`: JUnit XML for CI test dashboards (GitLab `artifacts:reports:junit`, Jenkins, Azure).

    <testsuites name="steplint" tests failures errors>
      <testsuite name="conf/a.yaml" tests failures errors>      one per checked file
        <testcase name="SL203 warmup-exceeds-run: schedule.warmup" classname="conf/a.yaml" file line>
          <failure message="warmup is ..." type="SL203">conf/a.yaml:5:3: SL203 [error] warmup is ...</failure>

A file without findings gets one passing testcase, so dashboards count it. Findings below the fail
level of the file's project config (`fail-on`) are passing testcases whose message is in <system-out>, so the dashboard agrees
with the exit code. A file steplint could not read is a testcase with an <error>.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import IO

from ..values import FileResult
from . import Summary

# Characters XML 1.0 cannot hold at all, even escaped: ElementTree would write them and produce a
# document no parser accepts.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


class JunitReporter:
    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.root = ET.Element("testsuites", name="steplint")
        self.tests = self.failures = self.errors = 0

    def file(self, result: FileResult) -> None:
        path = _clean(result.path)
        suite = ET.SubElement(self.root, "testsuite", name=path)
        tests = failures = errors = 0
        if result.error:
            case = ET.SubElement(suite, "testcase", name="read", classname=path, file=path)
            ET.SubElement(case, "error", message=_clean(result.error), type="unreadable")
            tests, errors = 1, 1
        elif not result.findings:
            ET.SubElement(suite, "testcase", name="steplint", classname=path, file=path)
            tests = 1
        for f in result.findings:
            where = f.key_path or f"{f.line}:{f.column}"
            case = ET.SubElement(suite, "testcase", name=_clean(f"{f.rule} {f.name}: {where}"), classname=path,
                                 file=path, line=str(f.line))
            text = _clean(f"{f.path}:{f.line}:{f.column}: {f.rule} [{f.severity.label}] {f.message}")
            tests += 1
            if f.severity >= result.fail_on:
                failure = ET.SubElement(case, "failure", message=_clean(f.message), type=f.rule)
                failure.text = text
                failures += 1
            else:
                ET.SubElement(case, "system-out").text = text
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        self.tests += tests
        self.failures += failures
        self.errors += errors

    def finish(self, summary: Summary) -> None:
        self.root.set("tests", str(self.tests))
        self.root.set("failures", str(self.failures))
        self.root.set("errors", str(self.errors))
        ET.indent(self.root, space="  ")
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(ET.tostring(self.root, encoding="unicode"))
        self.out.write("\n")
