"""Code generation: pipeline documents to SDP SQL, SDP Python, SSS or hybrid code, for Databricks or local runs."""

from lakestream.codegen.generator import PROFILES, CodegenError, generate
from lakestream.codegen.result import GeneratedCode, GeneratedFile, Reason, Span, Warning
from lakestream.codegen.router import TARGETS
from lakestream.codegen.view import NodeView, Paths, Upstream

__all__ = [
    "PROFILES", "TARGETS", "CodegenError", "GeneratedCode", "GeneratedFile", "NodeView", "Paths", "Reason", "Span",
    "Upstream", "Warning", "generate",
]
