"""Online interviews (在线访谈): guests, the live text transcript and questions from the public."""
