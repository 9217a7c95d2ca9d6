"""generate(pipeline, target, profile): validate, route, render every node, assemble the files."""

from __future__ import annotations

import networkx as nx

from lakestream.change_feeds import change_plan
from lakestream.codegen import assemble
from lakestream.sparksql.escape import Code, comment, py, table
from lakestream.codegen.naming import assign_names, clashes, slug
from lakestream.codegen.render import Fragment, MissingGenerator, reference, render_node
from lakestream.codegen.result import GeneratedCode
from lakestream.codegen.router import Plan, TargetError, route
from lakestream.codegen.view import Paths, Upstream
from lakestream.graph import PipelineGraph
from lakestream.nodes.base import Category, Inputs
from lakestream.nodes.fields import IDENTIFIER_RE
from lakestream.validate import ERROR, validate

PROFILES = ("databricks", "local")


class CodegenError(ValueError):
    """The pipeline cannot be generated; `issues` holds the validation issues or router reasons behind it."""

    def __init__(self, message: str, issues: list | tuple = ()):
        self.issues = list(issues)
        super().__init__(message)


def default_paths(pipeline, profile: str) -> Paths:
    """Checkpoint root from the settings, else a per-pipeline default for the profile."""
    name = slug(pipeline.name) or "pipeline"
    settings = pipeline.settings
    if settings.checkpoint_root:
        root = settings.checkpoint_root
    elif profile == "local":
        root = "checkpoints"
    else:
        root = f"/Volumes/{settings.catalog or 'main'}/{settings.schema_ or 'default'}/checkpoints/{name}"
    return Paths(checkpoint_root=root, storage_root=f"file:///tmp/lakestream/{name}/storage")


def _order(graph: PipelineGraph) -> list[str]:
    """Topological order, ties in document order (the pipeline passed validation: it has no cycle)."""
    position = {n.id: i for i, n in enumerate(graph.pipeline.nodes)}
    try:
        return list(nx.lexicographical_topological_sort(graph.nx, key=position.__getitem__))
    except nx.NetworkXUnfeasible:
        raise CodegenError(str(graph.cycle_error())) from None


def _in_edges(pipeline) -> dict[str, list]:
    """Edges into each node, in document order (one pass; cheaper than asking the graph per node)."""
    found: dict[str, list] = {n.id: [] for n in pipeline.nodes}
    for edge in pipeline.edges:
        if edge.target in found and edge.source in found:
            found[edge.target].append(edge)
    return found


def _inputs(in_edges: list, schemas: dict) -> Inputs | None:
    by_port: dict[str, list] = {}
    for edge in in_edges:
        schema = schemas.get(edge.source)
        if schema is None:
            return None
        by_port.setdefault(edge.target_port, []).append(schema)
    return Inputs({port: tuple(found) for port, found in by_port.items()})


def _schemas(pipeline, in_edges: dict[str, list], order: list[str]) -> dict:
    """Each node's output columns, in one pass over the topological order (as lakestream.schemas does)."""
    schemas: dict = {}
    for node_id in order:
        node = pipeline.node(node_id)
        inputs = _inputs(in_edges[node_id], schemas)
        config = node.parsed_or_none()
        try:
            schemas[node_id] = node.spec.output_schema(config, inputs) if config and inputs is not None else None
        except (KeyError, ValueError, IndexError):
            schemas[node_id] = None
    return schemas


class _Program:
    """Naming, schemas and edges of one pipeline, shared by every part being generated."""

    def __init__(self, pipeline, profile: str, paths: Paths, reserved: frozenset[str] = frozenset()):
        self.pipeline = pipeline
        self.profile = profile
        self.paths = paths
        self.graph = PipelineGraph(pipeline)
        self.order = _order(self.graph)
        self.names = assign_names(pipeline.nodes, reserved)
        self.in_edges = _in_edges(pipeline)
        self.schemas = _schemas(pipeline, self.in_edges, self.order)
        self.applies = change_plan(self.graph, self.schemas).applies
        self.rendered: list[Fragment] = []

    def out_name(self, node_id: str, port: str) -> Code:
        base = self.names[node_id]
        return base if port == "out" else Code(f"{base}_{port}")

    def clashes(self, files) -> set[str]:
        """Node names the generated modules also use for something else (see naming.clashes)."""
        owners = {name: node_id for node_id, name in self.names.items()}
        consumers: dict[str, set[str]] = {}
        for edge in self.pipeline.edges:
            owners.setdefault(self.out_name(edge.source, edge.source_port), edge.source)
            consumers.setdefault(edge.source, set()).add(edge.target)
        return clashes(files, owners, consumers)

    def boundary_table(self, node_id: str) -> str:
        """The table an SDP part writes for the SSS part to read (hybrid)."""
        name = f"{self.names[node_id]}_boundary"
        settings = self.pipeline.settings
        if self.profile == "local" or not settings.schema_:
            return name
        catalog = settings.catalog or "main"
        for field, value in (("catalog", catalog), ("schema", settings.schema_)):
            if not IDENTIFIER_RE.match(value):
                raise CodegenError(f"settings.{field} {value!r} is not a Unity Catalog name: use letters, digits "
                                   "and underscores (it names the hybrid boundary tables)")
        return f"{catalog}.{settings.schema_}.{name}"

    def upstreams(self, node_id: str, target: str, local_names: set[str]) -> dict[str, tuple[Upstream, ...]]:
        by_port: dict[str, list[Upstream]] = {}
        for edge in self.in_edges[node_id]:
            name = self.out_name(edge.source, edge.source_port)
            ref = reference(target, name) if edge.source in local_names else Code(name)
            by_port.setdefault(edge.target_port, []).append(
                Upstream(name, ref, edge.source, self.schemas.get(edge.source) or ())
            )
        return {port: tuple(found) for port, found in by_port.items()}

    def fragments(self, node_ids: list[str], target: str) -> list[Fragment]:
        """Render these nodes for a target; remember them for warnings and extra files."""
        members = set(node_ids)
        out = []
        for node_id in node_ids:
            node = self.pipeline.node(node_id)
            # Local SDP SQL cannot read a file folder as a stream: sources there are Python temporary views.
            node_target = target
            if target == "sdp-sql" and self.profile == "local" and node.spec.category is Category.SOURCE:
                node_target = "sdp-python"
            try:
                out.append(render_node(
                    node, node_target, self.profile, self.upstreams(node_id, node_target, members),
                    self.names[node_id], self.schemas.get(node_id), self.pipeline.settings, self.paths,
                    self.applies.get(node_id),
                ))
            except MissingGenerator as error:
                raise CodegenError(f"Cannot generate '{node.title}': {error}") from None
        self.rendered.extend(out)
        return out


def _gate(pipeline) -> None:
    issues = [i for i in validate(pipeline) if i.severity == ERROR]
    if issues:
        first = issues[0]
        more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
        raise CodegenError(f"Fix the pipeline first: {first.message}{more}", issues)


def _sdp(program: _Program, target: str, node_ids: list[str], what_extra: str = "") -> dict:
    files = {}
    name = program.pipeline.name
    fragments = program.fragments(node_ids, target)
    if target == "sdp-python":
        what = "Lakeflow Spark Declarative Pipeline, Python" + what_extra
        generated = assemble.sdp_python_file("transformations/pipeline.py", name, program.profile, fragments,
                                             program.paths, what)
        files[generated.path] = generated
    else:
        sql = [f for f in fragments if not _is_python(f, program)]
        python = [f for f in fragments if _is_python(f, program)]
        if python:
            generated = assemble.sdp_python_file(
                "transformations/local_sources.py", name, program.profile, python, program.paths,
                "Local stand-ins for the sources of the SQL pipeline")
            files[generated.path] = generated
        generated = assemble.sdp_sql_file("transformations/pipeline.sql", name, program.profile, sql)
        files[generated.path] = generated
    if program.profile == "local":
        spec = assemble.pipeline_spec(slug(name) or "pipeline", program.paths)
        files[spec.path] = spec
    return files


def _is_python(fragment: Fragment, program: _Program) -> bool:
    node = program.pipeline.node(fragment.node_id)
    return program.profile == "local" and node.spec.category is Category.SOURCE


def _boundary_fragments(program: _Program, plan: Plan, flavour: str) -> tuple[list[Fragment], list[Fragment], list[str]]:
    """Hybrid hand-off: SDP writes one table per edge crossing into the SSS part; the job reads it."""
    crossing = sorted({e.source for e in program.pipeline.edges
                       if e.source in plan.sdp_nodes and e.target not in plan.sdp_nodes},
                      key=program.order.index)
    writes, reads, tables = [], [], []
    for node_id in crossing:
        name = program.names[node_id]
        target_table = program.boundary_table(node_id)
        tables.append(target_table)
        heading = f"Boundary table {target_table}: hand-off from SDP to the SSS job"
        if flavour == "sdp-sql":
            body = f"CREATE STREAMING TABLE {table(target_table)}\nAS SELECT * FROM STREAM({table(name)});"
        else:
            body = (f"@dp.table(name={py(target_table)}, comment='LakeStream hybrid boundary: read by the SSS job')\n"
                    f"def {name}_boundary():\n    return spark.readStream.table({py(name)})")
        writes.append(Fragment(node_id, heading, body, "", frozenset(), (), ()))
        read = f"{name} = spark.readStream.table({py(target_table)})"
        reads.append(Fragment(node_id, f"Read boundary table {target_table}, written by the SDP pipeline", read, "",
                              frozenset(), (), ()))
    return writes, reads, tables


def _append_boundary(generated, writes: list[Fragment], flavour: str):
    """Add the boundary-table statements at the end of the SDP file, keeping the node line ranges."""
    out = assemble._Lines()
    out.lines = generated.text.rstrip("\n").split("\n")
    out.spans = list(generated.spans)
    mark = "--" if flavour == "sdp-sql" else "#"
    for fragment in writes:
        out.add()
        if flavour == "sdp-python":
            out.add()
        out.add_node(fragment.node_id, f"{mark} {comment(fragment.heading)}\n{fragment.body}")
    return out.file(generated.path, generated.language)


def generate(pipeline, target: str = "auto", profile: str = "databricks", *, allow_hybrid: bool = False,
             paths: Paths | None = None, check: bool = True) -> GeneratedCode:
    """Generate the code of a pipeline; raise CodegenError (with `.issues`) when it cannot be generated.

    `check=False` skips the validation gate, for a caller that has just run `validate` on this very
    pipeline (the UI validates after every edit); generating an invalid pipeline is then undefined.
    """
    if profile not in PROFILES:
        raise CodegenError(f"Unknown profile {profile!r}: choose databricks or local")
    if check:
        _gate(pipeline)
    paths = paths or default_paths(pipeline, profile)
    reserved: frozenset[str] = frozenset()
    for _attempt in range(8):  # a node named after an import (`pd`) or a name of the module (`start`) is renamed
        program = _Program(pipeline, profile, paths, reserved)
        code = _build(program, pipeline, target, profile, allow_hybrid, paths)
        taken = program.clashes(code.files.values())
        if not taken:
            return code
        reserved |= taken
    raise CodegenError(f"Cannot name the nodes without clashing with the generated code: {', '.join(sorted(taken))}; "
                       "rename these nodes")


def _build(program: _Program, pipeline, target: str, profile: str, allow_hybrid: bool, paths: Paths) -> GeneratedCode:
    try:
        plan = route(pipeline, target, program.order, allow_hybrid=allow_hybrid)
    except TargetError as error:
        raise CodegenError(str(error), error.reasons) from None
    boundary: tuple[str, ...] = ()
    if plan.target in ("sdp-sql", "sdp-python"):
        files = _sdp(program, plan.target, program.order)
    elif plan.target == "sss":
        generated = assemble.sss_file("stream_job.py", pipeline.name, profile,
                                      program.fragments(program.order, "sss"), paths)
        files = {generated.path: generated}
    else:
        sdp_ids = [n for n in program.order if n in plan.sdp_nodes]
        sss_ids = [n for n in program.order if n not in plan.sdp_nodes]
        writes, reads, tables = _boundary_fragments(program, plan, plan.sdp_target)
        files = _sdp(program, plan.sdp_target, sdp_ids)
        main = "transformations/pipeline.sql" if plan.sdp_target == "sdp-sql" else "transformations/pipeline.py"
        files[main] = _append_boundary(files[main], writes, plan.sdp_target)
        note = "\n".join(["# Hybrid: this job reads the boundary tables written by the SDP pipeline in transformations/:"]
                         + [f"#   {comment(t)}" for t in tables])
        generated = assemble.sss_file("stream_job.py", pipeline.name, profile, program.fragments(sss_ids, "sss"),
                                      paths, preamble=reads, note=note)
        files[generated.path] = generated
        boundary = tuple(tables)
    warnings, extra = [], {}
    for fragment in program.rendered:
        warnings.extend(w for w in fragment.warnings if w not in warnings)
        for path, text in fragment.files:
            extra[path] = assemble.GeneratedFile(path, text, "python")
    files = {**files, **{p: f for p, f in sorted(extra.items()) if p not in files}}
    return GeneratedCode(plan.target, profile, files, plan.reasons, tuple(warnings), boundary)
