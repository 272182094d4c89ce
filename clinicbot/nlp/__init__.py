"""Clinical symptom extraction: rule files, the spaCy/medspaCy extractor and the Rasa component."""
