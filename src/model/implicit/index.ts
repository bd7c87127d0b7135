/** The implicit (WRMF) model: what the -1 rows say. */
export { ImplicitModel, IMPLICIT_RATING_FALLBACK, computeItemStats, type ImplicitUser, type ImplicitState } from './implicitModel.js';
export { DEFAULT_IMPLICIT_OPTIONS, type ImplicitOptions } from './options.js';
export { saveImplicitState, loadImplicitState, IMPLICIT_META_FILE, IMPLICIT_DATA_FILE } from './persistence.js';
export { foldInImplicitVector } from './foldIn.js';
export { trainWrmf } from './trainWrmf.js';
