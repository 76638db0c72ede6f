import { setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';

/*
 * MapLibre's worker is a file of its own (served as JavaScript from this origin: the CSP allows
 * no other). Imported for this effect by every page with a map (the board's, the zone drawing).
 */
setWorkerUrl(workerUrl);
