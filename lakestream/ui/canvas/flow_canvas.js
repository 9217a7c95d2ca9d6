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

// `sized`: a node of a large graph starts with the usual card size. Vue Flow counts a node it has not
// measured as visible, so without a size every node of a large graph was rendered (and measured) once
// before only those on screen were kept: most of a second for 1,000 nodes. The card's own size replaces
// this one as soon as it is rendered (Vue Flow measures every card it mounts).
function toFlowNode(node, sized) {
  const flowNode = { id: node.id, type: "lakestream", position: { ...node.position }, data: node.data };
  if (sized) flowNode.dimensions = { ...DEFAULT_SIZE };
  return flowNode;
}

function toFlowEdge(edge) {
  return {
    id: edge.id, source: edge.source, target: edge.target,
    sourceHandle: edge.sourceHandle, targetHandle: edge.targetHandle,
    markerEnd: MarkerType.ArrowClosed, // setEdges adds no default marker
    class: edge.error ? "ls-edge-error" : "",
  };
}

// An edge is the same edge only with the same id AND the same ends: documents reuse ids ("e1" in every
// template), and an edge kept under a reused id would point at nodes that are gone.
function edgeKey(edge) {
  return [edge.id, edge.source, edge.sourceHandle || "out", edge.target, edge.targetHandle || "in"].join("\u0000");
}

// The smallest zoom a fit may choose: node labels (14 px) stay above 11 px on screen (11.2); a graph that
// does not fit at this zoom is shown from its start and the user pans to the rest.
const READABLE_ZOOM = 0.8;
const FIT_MAX_ZOOM = 1.2;
const FIT_MARGIN = 24; // screen pixels around the fitted graph
// Above this many nodes only what is on screen is rendered (a 500-node pipeline renders in about half the
// time and pans smoothly); below it every node and edge is in the page, measured and reachable.
const LARGE_GRAPH = 150;
const DEFAULT_SIZE = { width: 220, height: 60 }; // a node not measured yet (off screen)

// Screen-space rectangles (relative to the canvas) of overlays that must not cover nodes.
function overlayRect(root, selector, host) {
  const element = root.querySelector(selector);
  if (!element || !element.offsetParent) return null;
  const r = element.getBoundingClientRect();
  return { left: r.left - host.left, top: r.top - host.top, right: r.right - host.left, bottom: r.bottom - host.top };
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
  data() {
    return { minimapOpen: true, minimapFoldedByUser: false, largeGraph: false };
  },
  mounted() {
    // A fit asked for before the element has a size (first load) runs once it has one.
    this.resizeObserver = new ResizeObserver(() => {
      if (this.fitPending && this.$el.clientWidth > 0) this.fitWhenMeasured();
    });
    this.resizeObserver.observe(this.$el);
    this.$emit("ready", {});
  },
  unmounted() {
    if (this.resizeObserver) this.resizeObserver.disconnect();
  },
  methods: {
    // The whole graph from Python; only the differences touch Vue Flow's store (selection survives).
    // `replace` (a new document: open, import, template, new): one bulk replace, nothing carried over.
    syncGraph(graph) {
      const flow = this.flow, started = performance.now();
      // The minimap draws every node (about a second for 1,000 of them): a large graph opens with it
      // folded, its button in the controls shows it. A new document shows it again unless the user
      // folded it (a fit may fold it again).
      const large = graph.nodes.length > LARGE_GRAPH;
      // decided before the nodes reach Vue Flow: its first render of a large graph is of the visible
      // nodes only (decided after, it rendered and measured every node once, about a second for 1,000)
      if (graph.replace) this.minimapOpen = !large && !this.minimapFoldedByUser;
      else if (large && !this.largeGraph) this.minimapOpen = false;
      this.largeGraph = large;
      // the prop reaches Vue Flow's store only at the next render, after the nodes: set it there first
      if (flow.onlyRenderVisibleElements) flow.onlyRenderVisibleElements.value = large;
      this.state.syncing = true;
      try {
        if (graph.replace || !flow.nodes.value.length) this.replaceGraph(flow, graph);
        else this.applyGraph(flow, graph);
      } finally {
        this.state.syncing = false;
      }
      performance.measure("lakestream-sync", { start: started }); // read by benchmarks/ui_large.py
      if (graph.select) this.select(graph.select);
      if (graph.fit) {
        this.fitPending = true;
        this.fitWhenMeasured();
      }
      return flow.nodes.value.length;
    },
    replaceGraph(flow, graph) {
      // edges first: an edge must never outlive the nodes it joins (Vue Flow reads their positions)
      flow.setEdges([]);
      flow.setNodes(graph.nodes.map((n) => toFlowNode(n, this.largeGraph)));
      flow.setEdges(graph.edges.map(toFlowEdge));
      this.deletedEdges.clear();
    },
    applyGraph(flow, graph) {
      const incoming = new Map(graph.nodes.map((n) => [n.id, n]));
      const wanted = new Map(graph.edges.map((e) => [edgeKey(e), e]));
      // 1. edges that are gone or whose ends changed, before any node they may join goes
      const currentEdges = flow.edges.value;
      const goneEdges = currentEdges.filter((e) => !wanted.has(edgeKey(e))).map((e) => e.id);
      goneEdges.forEach((id) => this.deletedEdges.add(id));
      if (goneEdges.length) flow.removeEdges(goneEdges);
      // 2. nodes: removed, changed, added
      const current = new Map(flow.nodes.value.map((n) => [n.id, n]));
      const gone = [...current.keys()].filter((id) => !incoming.has(id));
      if (gone.length) flow.removeNodes(gone, true);
      const added = [];
      for (const node of graph.nodes) {
        const existing = current.get(node.id);
        if (!existing) {
          added.push(toFlowNode(node, this.largeGraph));
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
      // 3. edges that are new (or new ends under an old id), once both their nodes exist
      const have = new Set(flow.edges.value.map(edgeKey));
      const newEdges = graph.edges.filter((e) => !have.has(edgeKey(e))).map(toFlowEdge);
      newEdges.forEach((e) => this.deletedEdges.delete(e.id));
      if (newEdges.length) flow.addEdges(newEdges);
      for (const edge of graph.edges) {
        const existing = have.has(edgeKey(edge)) && flow.findEdge(edge.id);
        if (existing) existing.class = edge.error ? "ls-edge-error" : "";
      }
    },
    select(ids) {
      const wanted = new Set(ids);
      this.flow.nodes.value.forEach((n) => { n.selected = wanted.has(n.id); });
      this.flow.edges.value.forEach((e) => { e.selected = false; });
    },
    focusNode(id) {
      const node = this.flow.findNode(id);
      if (!node) return;
      this.select([id]);
      const w = node.dimensions.width || DEFAULT_SIZE.width, h = node.dimensions.height || DEFAULT_SIZE.height;
      const zoom = Math.max(this.flow.viewport.value.zoom, 1);
      this.flow.setCenter(node.position.x + w / 2, node.position.y + h / 2, { zoom, duration: 300 });
    },
    // Fit once the nodes Vue Flow rendered have been measured (a fit on unmeasured nodes is wrong).
    fitWhenMeasured() {
      let frames = 0;
      const attempt = () => {
        frames += 1;
        // the node cards in the page (all of them, or those on screen for a large graph), by lookup:
        // (a lookup per card: nothing here walks every node of a large graph)
        const cards = this.$el.querySelectorAll(".vue-flow__node");
        let ready = this.$el.clientWidth > 0 && (cards.length > 0 || !this.flow.nodes.value.length);
        for (const card of cards) {
          // measured: Vue Flow knows the card's rendered size (not the size a large graph starts with)
          const node = this.flow.findNode(card.dataset.id);
          if (!node || node.dimensions.width !== card.offsetWidth || node.dimensions.height !== card.offsetHeight) {
            ready = false;
            break;
          }
        }
        if (ready || frames > 60) this.fit();
        else requestAnimationFrame(attempt);
      };
      nextTick(() => requestAnimationFrame(attempt));
    },
    // The view on the whole graph, never below READABLE_ZOOM, and clear of the minimap and the controls:
    // the graph goes in the part of the pane they leave free (right or bottom band, whichever shows it
    // larger). When even that cannot keep nodes off the minimap, the minimap folds away (its button
    // in the controls brings it back).
    fit() {
      this.fitPending = false;
      const flow = this.flow, nodes = flow.nodes.value; // every node, also those not rendered
      const width = this.$el.clientWidth, height = this.$el.clientHeight;
      if (!nodes.length || !width || !height) return;
      const box = { x: Infinity, y: Infinity, x2: -Infinity, y2: -Infinity };
      for (const n of nodes) {
        const p = n.computedPosition || n.position;
        const w = n.dimensions.width || DEFAULT_SIZE.width, h = n.dimensions.height || DEFAULT_SIZE.height;
        box.x = Math.min(box.x, p.x); box.y = Math.min(box.y, p.y);
        box.x2 = Math.max(box.x2, p.x + w); box.y2 = Math.max(box.y2, p.y + h);
      }
      const graphW = box.x2 - box.x, graphH = box.y2 - box.y;
      const host = this.$el.getBoundingClientRect();
      const controls = overlayRect(this.$el, ".vue-flow__controls", host);
      const minimap = this.minimapOpen ? overlayRect(this.$el, ".vue-flow__minimap", host) : null;
      const left = controls ? controls.right : 0;
      const areas = [];
      if (minimap) {
        areas.push({ left, top: 0, right: minimap.left, bottom: height }); // beside the minimap
        areas.push({ left, top: 0, right: width, bottom: minimap.top }); // above it
      } else {
        areas.push({ left, top: 0, right: width, bottom: height });
      }
      let best = null;
      for (const a of areas) {
        const aw = a.right - a.left - 2 * FIT_MARGIN, ah = a.bottom - a.top - 2 * FIT_MARGIN;
        if (aw <= 0 || ah <= 0) continue;
        const zoom = Math.min(aw / graphW, ah / graphH, FIT_MAX_ZOOM);
        if (!best || zoom > best.zoom) best = { area: a, zoom, aw, ah };
      }
      if (!best) best = { area: { left: 0, top: 0, right: width, bottom: height }, zoom: READABLE_ZOOM,
                          aw: width - 2 * FIT_MARGIN, ah: height - 2 * FIT_MARGIN };
      const zoom = Math.max(best.zoom, READABLE_ZOOM);
      // centred where it fits; from its top-left corner where it does not (the rest is a pan away)
      const spareX = best.aw - graphW * zoom, spareY = best.ah - graphH * zoom;
      const x = best.area.left + FIT_MARGIN + Math.max(spareX, 0) / 2 - box.x * zoom;
      const y = best.area.top + FIT_MARGIN + Math.max(spareY, 0) / 2 - box.y * zoom;
      flow.setViewport({ x, y, zoom });
      performance.mark("lakestream-fit");      this.$el.dataset.fits = String(Number(this.$el.dataset.fits || 0) + 1); // tests and benchmarks wait on it
      if (minimap && (spareX < 0 || spareY < 0)) {
        const hidden = nodes.some((n) => {
          const p = n.computedPosition || n.position;
          const l = x + p.x * zoom, t = y + p.y * zoom;
          const r = l + (n.dimensions.width || DEFAULT_SIZE.width) * zoom, b = t + (n.dimensions.height || DEFAULT_SIZE.height) * zoom;
          return l < minimap.right && r > minimap.left && t < minimap.bottom && b > minimap.top;
        });
        if (hidden) this.minimapOpen = false;
      }
    },
    toggleMinimap() {
      this.minimapOpen = !this.minimapOpen;
      this.minimapFoldedByUser = !this.minimapOpen;
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
    onFitView() {
      requestAnimationFrame(() => this.fit()); // after Vue Flow's own fit of the same click
    },
  },
  template: `
    <div class="ls-canvas" @drop="onDrop" @dragover="onDragOver">
      <VueFlow :id="flowId" :node-types="nodeTypes" :snap-to-grid="true" :snap-grid="[16, 16]"
               :multi-selection-key-code="'Shift'" :selection-key-code="'Shift'" :delete-key-code="['Delete', 'Backspace']"
               :min-zoom="0.1" :max-zoom="2" :default-edge-options="{ markerEnd: 'arrowclosed' }"
               :connection-radius="30" :elevate-edges-on-select="true"
               :only-render-visible-elements="largeGraph">
        <Background :gap="16" pattern-color="#cbd5e1" />
        <Controls position="bottom-left" @fit-view="onFitView">
          <template #top>
            <button type="button" class="vue-flow__controls-button ls-minimap-toggle" @click="toggleMinimap"
                    :title="minimapOpen ? 'Hide the minimap' : 'Show the minimap'" :aria-pressed="minimapOpen">
              <span class="material-icons">map</span>
            </button>
          </template>
        </Controls>
        <MiniMap v-if="minimapOpen" position="bottom-right" :width="160" :height="110" pannable zoomable :node-color="(n) => n.data && n.data.colour" />
      </VueFlow>
    </div>`,
};
