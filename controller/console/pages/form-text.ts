// Multi-line text as the admin typed it. Browsers send every line break of a form field as
// CRLF (the HTML form encoding does, whatever the text held), so a policy checked and then
// applied through the console would otherwise be stored with CRLF line ends.

/** A form field's text with the browser's CRLF line breaks back to LF. */
export const formText = (value: string): string => value.replace(/\r\n?/g, '\n');
