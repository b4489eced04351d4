"""Groups of similar faces within a case, from the face_recognition tool's embeddings."""
