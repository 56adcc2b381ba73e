"""The baseline: a hello-world Flask app, served exactly like the shop (`gunicorn bench.hello:app`)."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
