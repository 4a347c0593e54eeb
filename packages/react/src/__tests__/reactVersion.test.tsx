import { version as reactVersion, useState } from 'react';
import { version as domVersion } from 'react-dom';
import { renderToString } from 'react-dom/server';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { expect, it } from 'vitest';

const major = process.env.PKCE_AUTH_REACT_MAJOR ?? '19';

it(`runs on React ${major} (react, react-dom, react-dom/server and @testing-library/react agree)`, () => {
  expect(reactVersion.split('.')[0]).toBe(major);
  expect(domVersion).toBe(reactVersion);
  function Counter() {
    const [n, setN] = useState(0);
    return <button onClick={() => setN(n + 1)}>clicked {n}</button>;
  }
  // Hooks fail with "Invalid hook call" when the renderer and `react` are different copies.
  expect(renderToString(<Counter />)).toContain('clicked');
  render(<Counter />);
  act(() => fireEvent.click(screen.getByRole('button')));
  expect(screen.getByText('clicked 1')).toBeTruthy();
});
