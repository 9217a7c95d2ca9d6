// The pipeline canvas: Vue Flow with LakeStream node cards. Python owns the document; this component
// shows it (syncGraph diffs the incoming graph into Vue Flow's own store) and emits user intents.
import { VueFlow, Handle, Position, MarkerType, useVueFlow, Background, Controls, MiniMap } from "lakestream-flow";
import { markRaw, nextTick } from "vue";

// Vue Flow's stylesheet ships beside the bundle; the import map knows where NiceGUI serves it.
function ensureStylesheet() {
  if (document.getElementById("lakestream-flow-css")) return;
  const link = document.createElement("link");
  link.id = "lakestream-flow-css";
  link.rel = "stylesheet";
  link.href = import.meta.resolve("lakestream-flow/index.css");
  document.head.appendChild(link);
}

// Node card. Text goes through {{ }} interpolation only (escaped), never v-html: labels are user data.
const LakeNode = markRaw({
  components: { Handle },
  props: ["id", "data", "selected"],
  setup() {
    return { Position };
  },
  methods: {
    handleTop(index, count) {
      return `${((index + 1) * 100) / (count + 1)}%`;
    },
  },
  template: `
    <div class="ls-node" :class="['ls-' + data.category, data.severity ? 'ls-has-' + data.severity : '', selected ? 'ls-selected' : '']"
         :style="{ '--ls-colour': data.colour }" :data-node-id="id" :data-node-type="data.type">
      <Handle v-for="(port, i) in data.inputs" :key="'in-' + port.name" type="target" :id="port.name"
              :position="Position.Left" :style="{ top: handleTop(i, data.inputs.length) }" :title="port.label" />
      <div class="ls-node-head">
        <span class="material-icons ls-node-icon">{{ data.icon }}</span>
        <div class="ls-node-titles">
          <div class="ls-node-label">{{ data.label }}</div>
          <div class="ls-node-type">{{ data.typeName }}</div>
        </div>
        <span v-for="t in data.badges" :key="t" class="ls-badge">{{ t }}</span>
      </div>
      <div v-if="data.inputs.length > 1 || data.outputs.length > 1" class="ls-node-ports">
        <div class="ls-ports-in"><div v-for="p in (data.inputs.length > 1 ? data.inputs : [])" :key="p.name">{{ p.label }}</div></div>
        <div class="ls-ports-out"><div v-for="p in (data.outputs.length > 1 ? data.outputs : [])" :key="p.name">{{ p.label }}</div></div>
      </div>
      <div v-if="data.message" class="ls-node-msg" :title="data.message">
        <span class="material-icons">{{ data.severity === 'error' ? 'error' : 'warning' }}</span>{{ data.message }}
      </div>
      <Handle v-for="(port, i) in data.outputs" :key="'out-' + port.name" type="source" :id="port.name"
              :position="Position.Right" :style="{ top: handleTop(i, data.outputs.length) }" :title="port.label" />
    </div>`,
});

function toFlowNode(node) {
  return { id: node.id, type: "lakestream", position: { ...node.position }, data: node.data };
}

function toFlowEdge(edge) {
  return {
    id: edge.id, source: edge.source, target: edge.target,
    sourceHandle: edge.sourceHandle, targetHandle: edge.targetHandle,
    markerEnd: MarkerType.ArrowClosed, // setEdges adds no default marker
    class: edge.error ? "ls-edge-error" : "",
  };
}

export default {
  components: { VueFlow, Background, Controls, MiniMap },
  props: { flowId: String },
  setup(props, { emit }) {
    ensureStylesheet();
    const flow = useVueFlow(props.flowId);
    const nodeTypes = { lakestream: LakeNode };
    let selection = "";
    const deletedEdges = new Set();
    const state = { syncing: false }; // removals made by syncGraph are Python's own: not echoed back

    // No selection-changed event in Vue Flow: derive it from node/edge changes, once per tick.
    let selectionPending = false;
    function reportSelection() {
      if (selectionPending) return;
      selectionPending = true;
      nextTick(() => {
        selectionPending = false;
        const nodes = flow.getSelectedNodes.value.map((n) => n.id).sort();
        const edges = flow.getSelectedEdges.value.map((e) => e.id).sort();
        const key = JSON.stringify([nodes, edges]);
        if (key !== selection) {
          selection = key;
          emit("selection-changed", { nodes, edges });
        }
      });
    }

    flow.onNodesChange((changes) => {
      const removed = changes.filter((c) => c.type === "remove").map((c) => c.id);
      if (removed.length && !state.syncing) emit("nodes-deleted", { nodes: removed });
      if (changes.some((c) => c.type === "select" || c.type === "remove")) reportSelection();
    });
    flow.onEdgesChange((changes) => {
      // Vue Flow reports some removed edges twice: only the first report of an id counts
      const removed = changes.filter((c) => c.type === "remove" && !deletedEdges.has(c.id)).map((c) => c.id);
      removed.forEach((id) => deletedEdges.add(id));
      if (removed.length && !state.syncing) emit("edges-deleted", { edges: removed });
      if (changes.some((c) => c.type === "select")) reportSelection();
    });
    flow.onNodeDragStop((event) => {
      const moved = (event.nodes && event.nodes.length ? event.nodes : [event.node]).map((n) => ({
        id: n.id, x: n.position.x, y: n.position.y,
      }));
      emit("nodes-moved", { nodes: moved });
    });
    flow.onConnect((c) => {
      // Python decides (can_connect) and sends the edge back with syncGraph
      emit("connect", { source: c.source, sourceHandle: c.sourceHandle || "out", target: c.target, targetHandle: c.targetHandle || "in" });
    });
    flow.onPaneClick(() => emit("pane-clicked", {}));
    flow.onNodeDoubleClick((event) => emit("node-opened", { id: event.node.id }));

    return { flow, nodeTypes, deletedEdges, state };
  },
  mounted() {
    // The first fitView may run before layout settles: fit again once the element has a size.
    this.resizeObserver = new ResizeObserver(() => {
      if (this.fitPending && this.$el.clientWidth > 0) {
        this.fitPending = false;
        nextTick(() => this.flow.fitView({ padding: 0.2, maxZoom: 1.2 }));
      }
    });
    this.resizeObserver.observe(this.$el);
    this.$emit("ready", {});
  },
  unmounted() {
    if (this.resizeObserver) this.resizeObserver.disconnect();
  },
  methods: {
    // The whole graph from Python; only the differences touch Vue Flow's store (selection survives).
    syncGraph(graph) {
      const flow = this.flow;
      this.state.syncing = true;
      try {
        this.applyGraph(flow, graph);
      } finally {
        this.state.syncing = false;
      }
      if (graph.select) this.select(graph.select);
      if (graph.fit) {
        this.fitPending = true;
        nextTick(() => setTimeout(() => this.fit(), 50));
      }
      return flow.getNodes.value.length;
    },
    applyGraph(flow, graph) {
      if (!flow.getNodes.value.length) {
        // first load (or a new document): one bulk replace; adding hundreds one diff at a time is slow
        flow.setNodes(graph.nodes.map(toFlowNode));
        flow.setEdges(graph.edges.map(toFlowEdge));
        return;
      }
      const incoming = new Map(graph.nodes.map((n) => [n.id, n]));
      const current = new Map(flow.getNodes.value.map((n) => [n.id, n]));
      const gone = [...current.keys()].filter((id) => !incoming.has(id));
      if (gone.length) flow.removeNodes(gone, false);
      const added = [];
      for (const node of graph.nodes) {
        const existing = current.get(node.id);
        if (!existing) {
          added.push(toFlowNode(node));
          continue;
        }
        const patch = {};
        if (JSON.stringify(existing.data) !== JSON.stringify(node.data)) patch.data = node.data;
        if (!existing.dragging && (existing.position.x !== node.position.x || existing.position.y !== node.position.y)) {
          patch.position = { ...node.position };
        }
        if (Object.keys(patch).length) flow.updateNode(node.id, patch);
      }
      if (added.length) flow.addNodes(added);
      const edges = new Map(graph.edges.map((e) => [e.id, e]));
      const currentEdges = flow.getEdges.value;
      const goneEdges = currentEdges.filter((e) => !edges.has(e.id)).map((e) => e.id);
      goneEdges.forEach((id) => this.deletedEdges.add(id));
      if (goneEdges.length) flow.removeEdges(goneEdges);
      const have = new Set(currentEdges.map((e) => e.id));
      const newEdges = graph.edges.filter((e) => !have.has(e.id)).map(toFlowEdge);
      newEdges.forEach((e) => this.deletedEdges.delete(e.id));
      if (newEdges.length) flow.addEdges(newEdges);
      for (const edge of graph.edges) {
        const existing = have.has(edge.id) && flow.findEdge(edge.id);
        if (existing) existing.class = edge.error ? "ls-edge-error" : "";
      }
    },
    select(ids) {
      const wanted = new Set(ids);
      this.flow.getNodes.value.forEach((n) => { n.selected = wanted.has(n.id); });
      this.flow.getEdges.value.forEach((e) => { e.selected = false; });
    },
    focusNode(id) {
      const node = this.flow.findNode(id);
      if (!node) return;
      this.select([id]);
      const w = node.dimensions.width || 220, h = node.dimensions.height || 60;
      this.flow.setCenter(node.position.x + w / 2, node.position.y + h / 2, { zoom: Math.max(this.flow.viewport.value.zoom, 1), duration: 300 });
    },
    fit() {
      this.fitPending = false;
      this.flow.fitView({ padding: 0.2, maxZoom: 1.2 });
    },
    viewportCentre() {
      const rect = this.$el.getBoundingClientRect();
      return this.flow.screenToFlowCoordinate({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 });
    },
    onDrop(event) {
      const type = event.dataTransfer.getData("application/x-lakestream-node");
      if (!type) return;
      event.preventDefault();
      const at = this.flow.screenToFlowCoordinate({ x: event.clientX, y: event.clientY });
      this.$emit("node-dropped", { type, x: at.x - 110, y: at.y - 30 });
    },
    onDragOver(event) {
      if (event.dataTransfer.types.includes("application/x-lakestream-node")) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
      }
    },
  },
  // only-render-visible-elements: a 500-node pipeline renders in about half the time, and panning
  // stays smooth; nodes off screen are created as they scroll in.
  template: `
    <div class="ls-canvas" @drop="onDrop" @dragover="onDragOver">
      <VueFlow :id="flowId" :node-types="nodeTypes" :snap-to-grid="true" :snap-grid="[16, 16]"
               :multi-selection-key-code="'Shift'" :selection-key-code="'Shift'" :delete-key-code="['Delete', 'Backspace']"
               :min-zoom="0.1" :max-zoom="2" :default-edge-options="{ markerEnd: 'arrowclosed' }"
               :connection-radius="30" :elevate-edges-on-select="true"
               :only-render-visible-elements="true">
        <Background :gap="16" pattern-color="#cbd5e1" />
        <Controls position="bottom-left" />
        <MiniMap position="bottom-right" pannable zoomable :node-color="(n) => n.data && n.data.colour" />
      </VueFlow>
    </div>`,
};
