/** Kept for imports of the old path: the loader serves every front-end now (../commandRegistry.ts). */
export { loadCommands, COMMANDS_DIR, type CommandRegistry } from '../commandRegistry.js';
