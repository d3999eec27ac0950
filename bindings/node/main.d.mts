// Types of the ES module entry point (main.mjs): the same declarations as main.d.ts.
export * from './main.js'
import * as codecommitAuth from './main.js'
export default codecommitAuth
