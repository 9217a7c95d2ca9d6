// The palette's list: every node type by category, rendered in the browser from one element's props
// (about 300 NiceGUI elements fewer on every page load). Python decides what a search shows (`hidden`);
// this component shows it, lets a type be dragged to the canvas, and emits add / help.
export default {
  props: { sections: Array, hidden: Array, dragType: String },
  data() {
    return { folded: {} };
  },
  computed: {
    hiddenSet() {
      return new Set(this.hidden || []);
    },
  },
  methods: {
    shown(section) {
      return section.items.filter((item) => !this.hiddenSet.has(item.type));
    },
    // "Sources (10)", or "Sources (2 of 10)" while a search hides some
    heading(section) {
      const shown = this.shown(section).length, total = section.items.length;
      return `${section.title} (${shown === total ? shown : `${shown} of ${total}`})`;
    },
    open(section) {
      return (this.hidden && this.hidden.length) || !this.folded[section.category];
    },
    toggle(section) {
      this.folded = { ...this.folded, [section.category]: !this.folded[section.category] };
    },
    onDragStart(event, item) {
      event.dataTransfer.setData(this.dragType, item.type); // the canvas's drop handler reads it
    },
  },
  template: `
    <div class="ls-palette">
      <template v-for="section in sections" :key="section.category">
        <div v-if="shown(section).length" class="ls-palette-section" :data-category="section.category">
          <button type="button" class="ls-palette-header" :aria-expanded="open(section) ? 'true' : 'false'"
                  @click="toggle(section)">
            <span class="ls-palette-title">{{ heading(section) }}</span>
            <span class="material-icons ls-palette-chevron">{{ open(section) ? 'expand_less' : 'expand_more' }}</span>
          </button>
          <div v-show="open(section)">
            <div v-for="item in shown(section)" :key="item.type" class="ls-palette-item" draggable="true"
                 :data-node-type="item.type" :title="item.description"
                 @dragstart="onDragStart($event, item)" @dblclick="$emit('add', { type: item.type })">
              <span class="material-icons ls-palette-icon" :style="{ color: item.colour }">{{ item.icon }}</span>
              <span class="ls-palette-name">{{ item.name }}</span>
              <button type="button" class="ls-palette-btn" title="Add to the canvas" :data-marker="'add-' + item.type"
                      @click="$emit('add', { type: item.type })"><span class="material-icons">add</span></button>
              <button type="button" class="ls-palette-btn" title="Documentation" :data-marker="'help-' + item.type"
                      @click="$emit('help', { type: item.type })"><span class="material-icons">info_outline</span></button>
            </div>
          </div>
        </div>
      </template>
    </div>`,
};
