/** RFC 9110 §5.6.2 `token`: what a header name may consist of. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
