// The `express4` dev dependency is `npm:express@^4`: the same API as `express` for these tests.
declare module 'express4' {
  import express from 'express';
  export default express;
}
