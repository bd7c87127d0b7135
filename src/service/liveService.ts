/**
 * The service that outlives a model: every call goes to the service of the model serving at that moment.
 * swap() builds the new model's service (title index, warm-up) BEFORE switching, then switches in one
 * assignment, so no call ever meets a half-built service; calls already running finish on the old one.
 * Members are folded in again against the new model when they are next seen (their stored vector names
 * the model that folded it).
 */
import type { AnirecModel } from '../model/anirecModel.js';
import { modelFingerprint, type AnirecService } from './index.js';

export interface ServingModel {
  model: AnirecModel;
  fingerprint: string;
  service: AnirecService;
}

export interface LiveService {
  /** Forwards to the serving model's service. */
  readonly service: AnirecService;
  current(): ServingModel;
  /** Serves `model` from now on; false (and nothing changes) when it is the model already serving. */
  swap(model: AnirecModel): boolean;
}

export function createLiveService(initial: AnirecModel, build: (model: AnirecModel) => AnirecService): LiveService {
  const serve = (model: AnirecModel): ServingModel => ({ model, fingerprint: modelFingerprint(model), service: build(model) });
  let serving = serve(initial);
  const now = () => serving.service;
  // Every property and method of the serving model's service, read at the moment of use: a swap between
  // two calls is seen by the second, and nothing has to list the service's members by hand.
  const service = new Proxy({} as AnirecService, {
    get(_target, property) {
      const target = now() as unknown as Record<PropertyKey, unknown>;
      const value = target[property];
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    service,
    current: () => serving,
    swap(model) {
      if (modelFingerprint(model) === serving.fingerprint) return false;
      serving = serve(model);
      return true;
    },
  };
}
