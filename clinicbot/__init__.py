"""clinicbot: a lower-back-pain triage and booking assistant for an orthopaedic clinic."""
