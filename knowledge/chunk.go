package knowledge

import (
	"strings"
)

// Chunk is one searchable piece of a content source.
type Chunk struct {
	SourceID string
	Title    string
	URL      string
	// Heading is the section the chunk comes from ("" for the lead text).
	Heading string
	Text    string
	Index   int
	// Audience is who may be answered from the chunk's source.
	Audience Audience
}

// Audience restricts who may be answered from a source: channel types
// ("chat", "email", "whatsapp") and contact tiers. An empty list means
// every channel (tier).
type Audience struct {
	Channels []string
	Tiers    []string
}

// maxChunkChars bounds a chunk; longer sections are split on paragraphs.
const maxChunkChars = 1200

// SplitMarkdown splits a Markdown article into chunks along its headings. A
// section longer than maxChunkChars is split on paragraph boundaries, each
// later part starting with the last paragraph of the previous one (a modest
// overlap, so an answer spanning the cut is still found).
func SplitMarkdown(sourceID, title, url, body string) []Chunk {
	type section struct {
		heading string
		paras   []string
	}
	var sections []section
	cur := section{}
	var para []string
	flushPara := func() {
		if len(para) > 0 {
			cur.paras = append(cur.paras, strings.Join(para, " "))
			para = nil
		}
	}
	for _, line := range strings.Split(body, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "#"):
			flushPara()
			if len(cur.paras) > 0 || cur.heading != "" {
				sections = append(sections, cur)
			}
			cur = section{heading: strings.TrimSpace(strings.TrimLeft(trimmed, "#"))}
		case trimmed == "":
			flushPara()
		default:
			para = append(para, trimmed)
		}
	}
	flushPara()
	if len(cur.paras) > 0 || cur.heading != "" {
		sections = append(sections, cur)
	}

	var chunks []Chunk
	add := func(heading string, paras []string) {
		text := strings.Join(paras, "\n\n")
		if strings.TrimSpace(text) == "" {
			return
		}
		chunks = append(chunks, Chunk{
			SourceID: sourceID, Title: title, URL: url,
			Heading: heading, Text: text, Index: len(chunks),
		})
	}
	for _, s := range sections {
		var part []string
		size := 0
		for _, p := range s.paras {
			if size > 0 && size+len(p) > maxChunkChars {
				add(s.heading, part)
				last := part[len(part)-1]
				part = []string{last}
				size = len(last)
			}
			part = append(part, p)
			size += len(p)
		}
		add(s.heading, part)
	}
	return chunks
}
