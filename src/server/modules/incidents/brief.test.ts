import fc from 'fast-check';
import { cellToLatLng, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { RESPONDER_CELL_RESOLUTION, responderPointOf } from '../zones/geo.js';
import { BRIEF_PLACES, placesOf } from './brief.js';

const at = (minute: number) => `2026-11-29T10:${String(minute).padStart(2, '0')}:00.000Z`;

describe('the places a responder is given', () => {
  it('counts the same words typed differently once, in their first writing, most given first', () => {
    const members = [
      { place: 'Mariachi Plaza', receivedAt: at(9) },
      { place: ' 1st st  &  boyle ave', receivedAt: at(8) },
      { place: 'Plaza del Mariachi', receivedAt: at(7) },
      { place: '1st St & Boyle Ave', receivedAt: at(1) },
      { place: '1ST ST & BOYLE AVE', receivedAt: at(5) },
      { place: 'mariachi plaza', receivedAt: at(2) },
      { place: null, receivedAt: at(3) },
      { place: '   ', receivedAt: at(4) },
    ];
    expect(placesOf(members)).toEqual(['1st St & Boyle Ave', 'mariachi plaza', 'Plaza del Mariachi']);
  });

  it('treats accents and width as the same words, and gives only a few', () => {
    const many = ['Cesar E Chavez Ave', 'César E Chávez Ave', 'Ｃｅｓａｒ Ｅ Ｃｈａｖｅｚ Ａｖｅ'].map(
      (place, i) => ({
        place,
        receivedAt: at(i),
      }),
    );
    expect(placesOf(many)).toEqual(['Cesar E Chavez Ave']);
    const distinct = Array.from({ length: 9 }, (_, i) => ({ place: `Corner ${i}`, receivedAt: at(i) }));
    // Equally often given: the most recently given first.
    expect(placesOf(distinct)).toEqual(
      ['Corner 8', 'Corner 7', 'Corner 6', 'Corner 5'].slice(0, BRIEF_PLACES),
    );
  });
});

describe('the point a responder’s maps app is sent to', () => {
  it('is the center of the responder-resolution cell, whatever point inside it the incident’s center is', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 33.7, max: 34.3, noNaN: true }),
        fc.double({ min: -118.7, max: -117.9, noNaN: true }),
        (lat, lng) => {
          const point = responderPointOf({ lat, lng });
          const cell = latLngToCell(lat, lng, RESPONDER_CELL_RESOLUTION);
          const [centerLat, centerLng] = cellToLatLng(cell);
          expect(Math.abs(point.lat - centerLat)).toBeLessThanOrEqual(5e-6);
          expect(Math.abs(point.lng - centerLng)).toBeLessThanOrEqual(5e-6);
          expect(latLngToCell(point.lat, point.lng, RESPONDER_CELL_RESOLUTION)).toBe(cell);
        },
      ),
    );
  });
});
