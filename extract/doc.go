// Package extract turns the documents a content source is made of (web
// pages, HTML or Markdown articles, text files, PDFs) into readable Markdown
// whose headings package knowledge splits chunks along. HTML goes through a
// readability parser and a walk of its DOM, PDFs through a PDF text library;
// no regular expression ever reads markup. It does no I/O: bytes in, text out.
package extract
