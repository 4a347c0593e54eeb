import { useEffect } from 'react';
import { render } from '@testing-library/react';
import { expect, it } from 'vitest';
import { renderStrict } from './helpers.js';

it('every test render is in StrictMode: mount effects run twice (the guards below are really exercised)', () => {
  let runs = 0;
  function Probe() {
    useEffect(() => {
      runs++;
    }, []);
    return null;
  }
  renderStrict(<Probe />);
  expect(runs).toBe(2);
  render(<Probe />);
  expect(runs).toBe(4);
});
