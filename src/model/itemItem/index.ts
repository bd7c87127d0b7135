export { DEFAULT_EASE_OPTIONS, easeColumns, easeScores, fitEase, type EaseOptions, type EaseState } from './ease.js';
export { EASE_DATA_FILE, EASE_META_FILE, loadEaseState, saveEaseState } from './persistence.js';
