// The vendored canvas: Vue Flow and its add-ons re-exported from one module (vue stays external).
export { VueFlow, Handle, Position, MarkerType, useVueFlow } from '@vue-flow/core';
export { Background } from '@vue-flow/background';
export { Controls } from '@vue-flow/controls';
export { MiniMap } from '@vue-flow/minimap';
import '@vue-flow/core/dist/style.css';
import '@vue-flow/core/dist/theme-default.css';
import '@vue-flow/controls/dist/style.css';
import '@vue-flow/minimap/dist/style.css';
