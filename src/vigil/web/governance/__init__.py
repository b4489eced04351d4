"""Each agency's risk assessments of its tools and the votes that approve or reject them."""
