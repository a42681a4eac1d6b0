// The one place that imports the UI library: pages import from here, so the
// vendor paths are written once.
import { h, render, Fragment, createRef } from '../vendor/preact.module.js';
import {
  useState, useEffect, useLayoutEffect, useRef, useMemo, useCallback, useReducer,
} from '../vendor/hooks.module.js';
import htm from '../vendor/htm.module.js';

export const html = htm.bind(h);
export {
  h, render, Fragment, createRef,
  useState, useEffect, useLayoutEffect, useRef, useMemo, useCallback, useReducer,
};
